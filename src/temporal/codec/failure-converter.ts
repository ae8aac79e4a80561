// Loaded by path (DataConverter.failureConverterPath) in the worker, its workflow bundle and
// every client: failure messages and stack traces move into an encoded payload, which the
// codec encrypts. A provider's refusal can quote the order (a postal code, say).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
