import type { Payload } from '@temporalio/common';

// A payload as JSON, bytes in base64: the remote codec protocol's form and that of
// `temporal workflow show --output json`.
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export const payloadFromJson = ({ metadata = {}, data = '' }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data, 'base64'),
});

export const payloadToJson = (payload: Payload): Required<JsonPayload> => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
