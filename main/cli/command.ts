// What every `madoguchi` command module provides, and what it is given.

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  dataDir: string;
  json: boolean;
}

export interface Command {
  summary: string;
  usage: string;
  /** Help for `madoguchi <command> ... --help`; defaults to the usage and the summary. */
  help?(args: readonly string[]): string;
  run(args: string[], global: GlobalOptions, io: CliIo): Promise<number>;
}

/** An operation that could not be done (exit code 1), with a stable code for --json. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
