/** What a command handler hands back to `main`: the exit code and both ways to print it. */
export interface CommandResult {
  exitCode: 0 | 1;
  /** The `--json` document. */
  json: Record<string, unknown>;
  /** The human summary. */
  text: string;
}

/** Where progress and log lines go: stderr, so stdout stays one clean document. */
export type ProgressSink = (line: string) => void;
