import { createHash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';

// A submission's fingerprint: sha256 over canonical JSON (keys sorted at every level) of
// the validated order. Two bodies that differ only in key order or whitespace are the same
// submission; any difference in a value is a conflict.
export function fingerprint(value: unknown): string {
  return createHash('sha256')
    .update(stableStringify(value) ?? '')
    .digest('hex');
}
