// Global test set-up: nothing shared yet. Database targets are provided per test file by test/support/db.ts.
export default function setup(): () => void {
  return () => {};
}
