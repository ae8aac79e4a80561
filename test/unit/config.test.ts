import { describe, expect, it } from 'vitest';
import { NODE_HEAP_LIMIT, serviceNodeOptions, dataDirSetting, stackConfig } from '../../src/config/launcher';
import { sandboxConfig } from '../../src/config/sandbox';
import { apiConfig, codecServerConfig, kafkaConfig, secretsConfig, workerConfig } from '../../src/config/service';

// src/config/ is the one reader of the environment: defaults, one per variable, and errors
// that name the variable for values that cannot be used.

describe('config from the environment', () => {
  it('refuses a value that is not a non-negative integer, naming the variable', () => {
    expect(() => apiConfig({ PORT: 'abc' })).toThrow('PORT must be a non-negative integer, got "abc"');
    expect(() => sandboxConfig({ IDEMPOTENCY_KEY_TTL_S: '1.5' })).toThrow(/^IDEMPOTENCY_KEY_TTL_S must be/);
  });

  it('refuses a port above 65535', () => {
    expect(() => stackConfig({ TEMPORAL_UI_PORT: '70000' })).toThrow(/^TEMPORAL_UI_PORT must be a TCP port/);
  });

  it("gives the launcher the service processes' own defaults and settings", () => {
    const env = { PORT: '3100', CODEC_PORT: '8900', PAYMENTS_PORT: '4101', TEMPORAL_NAMESPACE: 'orders' };
    const { ports, namespace } = stackConfig(env);
    expect(ports).toMatchObject({ api: apiConfig(env).port, codec: codecServerConfig(env).port, payments: 4101 });
    expect(namespace).toBe('orders');
    expect(stackConfig({})).toMatchObject({ ports: { api: 3000, temporal: 7233, shipping: 4002 }, retention: '720h' });
  });

  it("bounds the services' heaps and the worker's cache unless told otherwise", () => {
    expect(serviceNodeOptions({})).toBe(NODE_HEAP_LIMIT);
    // V8 takes the last value of a flag: the caller's own NODE_OPTIONS come after ours.
    expect(serviceNodeOptions({ NODE_OPTIONS: '--max-old-space-size=512' })).toBe(
      `${NODE_HEAP_LIMIT} --max-old-space-size=512`,
    );
    expect(workerConfig({}).maxCachedWorkflows).toBe(1000);
    expect(workerConfig({ WORKER_MAX_CACHED_WORKFLOWS: '50' }).maxCachedWorkflows).toBe(50);
  });

  it('treats an empty value as unset', () => {
    expect(secretsConfig({ ENCRYPTION_KEYS: '', API_KEYS_FILE: '' })).toEqual({
      encryptionKeys: undefined,
      apiKeysFile: undefined,
    });
    expect(dataDirSetting({ DATA_DIR: '' })).toBeUndefined();
    expect(dataDirSetting({ DATA_DIR: 'rel' })).toMatch(/^\/.*\/rel$/);
  });

  it('derives the Kafka controller port and brokers from KAFKA_PORT', () => {
    expect(kafkaConfig({ KAFKA_PORT: '9200' })).toEqual({
      port: 9200,
      controllerPort: 9201,
      brokers: ['127.0.0.1:9200'],
    });
    expect(kafkaConfig({ KAFKA_BROKERS: 'a:1, b:2' }).brokers).toEqual(['a:1', 'b:2']);
  });

  it("lets a sandbox provider's own faults win over the shared ones", () => {
    const config = sandboxConfig({ SANDBOX_FAULTS: '{"afterCommit":1}', SHIPPING_FAULTS: '{}' });
    expect(config.payments.faults).toEqual({ name: 'PAYMENTS_FAULTS', json: '{"afterCommit":1}' });
    expect(config.shipping.faults).toEqual({ name: 'SHIPPING_FAULTS', json: '{}' });
    expect(config.keyTtlS).toBeUndefined();
  });
});
