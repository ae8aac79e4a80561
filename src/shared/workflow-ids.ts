// One workflow per order: its ID is the order ID with a prefix (DESIGN.md, workflow-level dedup).
export const workflowIdFor = (orderId: string) => `order-${orderId}`;
export const orderIdOf = (workflowId: string) => workflowId.replace(/^order-/, '');
