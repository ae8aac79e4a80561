import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes of every order run: what `GET /orders` filters on and what the
// Temporal UI can query (OrderStatus="COMPLETED"). Registered by the dev-server launcher;
// other clusters: see README.
export const ORDER_STATUS = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const ORDER_TOTAL_CENTS = defineSearchAttributeKey('OrderTotalCents', SearchAttributeType.INT);

export const ORDER_SEARCH_ATTRIBUTES = [ORDER_STATUS, CUSTOMER_ID, ORDER_TOTAL_CENTS];
