import { runCli } from './madoguchi';

/** Runs `madoguchi ARGV` in-process with an empty environment, collecting what it prints. */
export async function cli(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
