import type { OrderState, OrderStatus } from '../../shared/order-state';

/** The API's answer for one order: the workflow's state plus where to find the run. */
export interface OrderView extends Omit<OrderState, 'fingerprint'> {
  workflowId: string;
  links: { temporalUi: string };
}

export interface OrderSummary {
  orderId: string;
  customerId: string | null;
  status: OrderStatus | null;
  totalCents: number | null;
  workflowId: string;
  createdAt: string;
  closedAt: string | null;
  links: { temporalUi: string };
}

export function temporalUiLink(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
