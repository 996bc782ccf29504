// Usage problems (bad flag values, unknown ids): exit 2 with one line. Kept apart so commands can name it
// without loading the doctor.
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
