/** A mistake in how the command was called: exit code 2 and a pointer to the help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
