import { Format, MultiBar } from 'cli-progress';

// How far a long command (bench, chaos run, history export) is: its phase, done/total, rate
// and time left. On stderr, so that stdout keeps the command's figures and its last line
// stays one JSON object. On a terminal, cli-progress redraws one line in place; elsewhere
// (CI, a pipe) a plain line is printed when a phase starts, every few seconds and when it ends.

export interface ProgressState {
  command: string;
  phase: string;
  done: number;
  /** Absent for a phase that counts nothing (starting a stack): elapsed time only. */
  total?: number;
  /** What is counted, e.g. "orders". */
  unit?: string;
  elapsedS: number;
}

const seconds = (s: number) => Format.TimeFormat(Math.round(s), { autopaddingChar: '0' }, 1);

/** One line of progress, without the bar: what a non-terminal prints. */
export function progressLine(s: ProgressState): string {
  const counted =
    s.total === undefined
      ? []
      : [
          `${s.done}/${s.total}${s.unit ? ` ${s.unit}` : ''} (${s.total > 0 ? Math.floor((100 * s.done) / s.total) : 100}%)`,
          // The phase's mean rate, and the time left at that rate.
          ...(s.elapsedS > 0 ? [`${(s.done / s.elapsedS).toFixed(1)}/s`] : []),
          ...(s.done > 0 && s.done < s.total ? [`${seconds(((s.total - s.done) * s.elapsedS) / s.done)} left`] : []),
        ];
  return `${s.command}: ${[s.phase, ...counted].join(', ')}, ${seconds(s.elapsedS)} elapsed`;
}

/** How often a non-terminal gets a line. */
const PLAIN_EVERY_MS = 5_000;

export class Progress {
  private bar?: { multi: MultiBar; update: (done: number) => void };
  private plain?: { timer: NodeJS.Timeout; state: () => ProgressState };
  private done = 0;

  constructor(
    private readonly command: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Ends the current phase and starts the next; with `count`, progress is counted against its total. */
  phase(name: string, count?: { total: number; unit: string }): void {
    this.end();
    this.done = 0;
    const startedAt = Date.now();
    const state = (): ProgressState => ({
      command: this.command,
      phase: name,
      done: this.done,
      total: count?.total,
      unit: count?.unit,
      elapsedS: (Date.now() - startedAt) / 1000,
    });
    if (this.stream.isTTY) {
      const multi = new MultiBar({
        stream: this.stream,
        format: (options, params) =>
          count ? `${Format.BarFormat(params.progress, options)} ${progressLine(state())}` : progressLine(state()),
        barsize: 20,
        barCompleteChar: '\u2588',
        barIncompleteChar: '\u2591',
      });
      const bar = multi.create(count?.total ?? 0, 0);
      this.bar = { multi, update: (done) => bar.update(done) };
    } else {
      const print = () => this.stream.write(`${progressLine(state())}\n`);
      print();
      this.plain = { timer: setInterval(print, PLAIN_EVERY_MS).unref(), state };
    }
  }

  update(done: number): void {
    this.done = done;
    this.bar?.update(done);
  }

  increment(by = 1): void {
    this.update(this.done + by);
  }

  /** A line of the command's own output (stdout), printed above the bar on a terminal. */
  log(line: string): void {
    if (this.bar && process.stdout.isTTY) this.bar.multi.log(`${line}\n`);
    else console.log(line);
  }

  /** Ends the current phase, leaving its last state on screen. */
  end(): void {
    this.bar?.multi.stop();
    this.bar = undefined;
    if (this.plain) {
      clearInterval(this.plain.timer);
      this.stream.write(`${progressLine(this.plain.state())}\n`);
      this.plain = undefined;
    }
  }
}
