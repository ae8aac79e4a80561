import { parseArgs } from 'node:util';
import { type Engine, ENGINES } from './stack';

// The command-line options that choose a stack's shape, shared by `npm start`, the
// benchmark and the chaos run: --temporal dev|postgres, --workers N, --apis N.

export const STACK_ARG_OPTIONS = {
  temporal: { type: 'string', default: 'dev' },
  workers: { type: 'string', default: '1' },
  apis: { type: 'string', default: '1' },
} as const;

export interface StackShape {
  engine: Engine;
  workers: number;
  apis: number;
}

/** Validates the options parsed with STACK_ARG_OPTIONS; bad input throws, naming the option and what it accepts. */
export function stackShape(values: { temporal?: string; workers?: string; apis?: string }): StackShape {
  const engine = values.temporal ?? 'dev';
  if (!ENGINES.includes(engine as Engine))
    throw new Error(`--temporal ${engine}: expected one of ${ENGINES.join(', ')}`);
  const count = (name: 'workers' | 'apis') => {
    const n = Number(values[name] ?? 1);
    if (!Number.isInteger(n) || n < 1 || n > 16)
      throw new Error(`--${name} ${values[name]}: expected a whole number from 1 to 16`);
    return n;
  };
  return { engine: engine as Engine, workers: count('workers'), apis: count('apis') };
}

/** `npm start`'s options: the shape, and --kafka (the broker and the ingest process; docs/kafka.md). */
export function stackArgs(argv: string[]): StackShape & { kafka: boolean; positionals: string[] } {
  const options = { ...STACK_ARG_OPTIONS, kafka: { type: 'boolean', default: false } } as const;
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  return { ...stackShape(values), kafka: values.kafka, positionals };
}
