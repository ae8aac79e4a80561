import { z } from 'zod';

// Run-time fault injection, the failures a real provider shows. Probabilities are 0..1 and
// drawn per request; durations are milliseconds.
//  - beforeCommit: answer 503 without changing anything.
//  - afterCommit:  commit the effect, then answer 500 (the client thinks it failed).
//  - dropResponse: commit the effect, then destroy the connection without an answer.
//  - latencyMs:    added before the commit, on every mutating request (keeps the key in flight).
//  - hang/hangMs:  with probability `hang` (1 if only hangMs is given), wait hangMs before
//                  the commit, past the client's timeout.
//  - paths:        only requests to these route paths (e.g. ["/v1/refunds"]); default all.
export const faultsSchema = z
  .object({
    beforeCommit: z.number().min(0).max(1).optional(),
    afterCommit: z.number().min(0).max(1).optional(),
    dropResponse: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    hang: z.number().min(0).max(1).optional(),
    hangMs: z.number().int().min(0).max(600_000).optional(),
    paths: z.array(z.string().startsWith('/')).optional(),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;

export function faultsFromEnv(raw: string | undefined, name: string): Faults {
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${name} is not JSON: ${(err as Error).message}`);
  }
  const parsed = faultsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${name}: ${parsed.error.message}`);
  return parsed.data;
}

/** Draws, for one request to the route `path`, which faults apply. */
export function drawFaults(all: Faults, path: string, random: () => number = Math.random) {
  const faults = all.paths && !all.paths.includes(path) ? {} : all;
  const hit = (p: number | undefined) => p !== undefined && p > 0 && random() < p;
  const hangs = faults.hangMs ? hit(faults.hang ?? 1) : false;
  return {
    delayMs: (faults.latencyMs ?? 0) + (hangs ? (faults.hangMs ?? 0) : 0),
    failBeforeCommit: hit(faults.beforeCommit),
    failAfterCommit: hit(faults.afterCommit),
    dropResponse: hit(faults.dropResponse),
  };
}
