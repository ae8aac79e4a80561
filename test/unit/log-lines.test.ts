import { describe, expect, it } from 'vitest';
import { logFormat } from '../../src/config/launcher';
import { logLineFormatter } from '../../src/stack/log-lines';

// How `npm start` prints its processes' log lines: pino-pretty on a terminal, JSON lines
// elsewhere, LOG_FORMAT deciding over either.

const apiLine = JSON.stringify({ level: 30, time: 1764298800000, pid: 7, hostname: 'h', msg: 'API listening' });

describe('npm start log lines', () => {
  it('are pretty on a terminal and JSON elsewhere, unless LOG_FORMAT says otherwise', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(() => logFormat({ LOG_FORMAT: 'xml' }, true)).toThrow(/LOG_FORMAT must be "pretty" or "json", got "xml"/);
  });

  it('in JSON, keep each record and name its process; text becomes a record', () => {
    const format = logLineFormatter(logFormat({ LOG_FORMAT: 'json' }, true), false);
    expect(JSON.parse(format('api', apiLine))).toEqual({ ...JSON.parse(apiLine), name: 'api' });
    const untimed = JSON.parse(format('sandbox', JSON.stringify({ level: 'info', msg: 'sandbox payments listening' })));
    expect(untimed.time).toEqual(expect.any(Number));
    const text = JSON.parse(format('codec', 'codec server on http://127.0.0.1:8888'));
    expect(text).toMatchObject({ level: 30, name: 'codec', msg: 'codec server on http://127.0.0.1:8888' });
    expect(text.time).toEqual(expect.any(Number));
  });

  it('pretty, are one readable line with level and process name', () => {
    const format = logLineFormatter(logFormat({ LOG_FORMAT: 'pretty' }, false), false);
    const line = format('api', apiLine);
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(api\): API listening\n$/);
    expect(() => JSON.parse(line)).toThrow();
    // The Temporal CLI names its levels.
    expect(format('temporal', JSON.stringify({ level: 'warn', msg: 'slow' }))).toMatch(/WARN \(temporal\): slow/);
    expect(logLineFormatter('pretty', true)('api', apiLine)).toContain('\u001b['); // coloured
  });

  it('leave out records below a level', () => {
    const format = logLineFormatter('json', false);
    const warn = JSON.stringify({ level: 'warn', msg: 'Failed to poll for task.' });
    const error = JSON.stringify({ level: 'error', msg: 'boom' });
    expect(format('temporal', warn, 'error')).toBe('');
    expect(JSON.parse(format('temporal', error, 'error'))).toMatchObject({ msg: 'boom', name: 'temporal' });
    expect(format('temporal', warn)).not.toBe('');
  });
});
