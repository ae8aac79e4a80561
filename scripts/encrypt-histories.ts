// `npm run histories:encrypt [files...]`: encrypts the payloads of committed histories
// (test/histories/*.json by default) in place with the TEST-ONLY key test/histories/test-key,
// as the service's codec would have written them: inputs, results, memo, summaries, update
// arguments, and failure messages (moved into encoded attributes, as the worker's failure
// converter does). Search attributes, headers and markers stay as they are (PLAIN_HISTORY_FIELDS).
// Idempotent: payloads already encrypted, and failures already encoded, are left alone, so it
// can run again over a folder that mixes old and new histories.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/stack/stack';
import { AesGcmCodec } from '../src/temporal/codec/aes-gcm-codec';
import { parseEncryptionKeys } from '../src/temporal/codec/encryption-keys';
import { type JsonPayload, payloadFromJson, payloadToJson } from '../src/temporal/codec/payload-json';
import { PLAIN_HISTORY_FIELDS } from '../src/temporal/codec/plain-fields';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const historiesDir = join(projectRoot(), 'test', 'histories');
const codec = new AesGcmCodec(parseEncryptionKeys(readFileSync(join(historiesDir, 'test-key'), 'utf8')));

const isObject = (node: Json): node is JsonObject => typeof node === 'object' && node !== null && !Array.isArray(node);
const isPayload = (node: JsonObject): boolean =>
  isObject(node.metadata ?? null) && typeof (node.metadata as JsonObject).encoding === 'string';
const isUnencodedFailure = (node: JsonObject): boolean =>
  typeof node.message === 'string' &&
  !node.encodedAttributes &&
  Object.keys(node).some((key) => key.endsWith('FailureInfo'));

async function encryptPayload(json: JsonPayload): Promise<JsonPayload> {
  const [encrypted] = await codec.encode([payloadFromJson(json)]);
  return payloadToJson(encrypted!);
}

/** The failure as DefaultFailureConverter({ encodeCommonAttributes: true }) would have written it. */
function encodeFailure({ message, stackTrace, ...rest }: JsonObject): JsonObject {
  const attributes = JSON.stringify({ message, stack_trace: stackTrace ?? '' });
  const encodedAttributes = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(attributes).toString('base64'),
  };
  return { ...rest, message: 'Encoded failure', stackTrace: '', encodedAttributes };
}

/** The history (any part of it) with every payload encrypted; unchanged if it already is. */
export async function encryptHistory(node: Json): Promise<Json> {
  if (Array.isArray(node)) return Promise.all(node.map(encryptHistory));
  if (!isObject(node)) return node;
  if (isPayload(node)) return (await encryptPayload(node as unknown as JsonPayload)) as unknown as Json;
  const object = isUnencodedFailure(node) ? encodeFailure(node) : node;
  const entries = await Promise.all(
    Object.entries(object).map(
      async ([key, value]) => [key, PLAIN_HISTORY_FIELDS.has(key) ? value : await encryptHistory(value)] as const,
    ),
  );
  return Object.fromEntries(entries);
}

async function main() {
  const files = process.argv.slice(2);
  const targets =
    files.length > 0
      ? files
      : readdirSync(historiesDir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => join(historiesDir, f));
  for (const file of targets) {
    const before = readFileSync(file, 'utf8');
    const after = `${JSON.stringify(await encryptHistory(JSON.parse(before)), null, 2)}\n`;
    if (after === before) continue;
    writeFileSync(file, after);
    console.log(`encrypted ${file}`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
