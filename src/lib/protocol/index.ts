/**
 * The wire protocol Switchboard speaks: pure TypeScript and zod, shared by the browser app, Node
 * agents, the CLI and the tests. Nothing here may import Svelte, `$app` or a NATS client.
 */
export * from './timestamps';
export * from './envelope';
export * from './subjects';
export * from './volta';
export * from './decode';
export * from './summary';
export * from './presence';
export * from './services';
export * from './questions';
export { describeIssues } from './issues';
export * from './steering';
export * from './audit';
export * from './crew';
