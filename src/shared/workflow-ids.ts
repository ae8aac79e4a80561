// One workflow per order: its ID is the order ID with a prefix (DESIGN.md, workflow-level dedup).
const PREFIX = 'order-';

export const workflowIdFor = (orderId: string) => `${PREFIX}${orderId}`;
/** The order ID of an order run's workflow ID; undefined for any other workflow. */
export const orderIdIn = (workflowId: string) =>
  workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : undefined;
/** The order ID of an order run's workflow ID; any other ID unchanged. */
export const orderIdOf = (workflowId: string) => orderIdIn(workflowId) ?? workflowId;
