// The same file is read by the end-to-end tests (tests/e2e), so selectors never drift apart.
import ids from "./testids.json";

export const testIds = ids;
export type TestId = keyof typeof ids;
