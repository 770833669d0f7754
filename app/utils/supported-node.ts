/**
 * The Node.js major this app is built, tested and run on (docs/decisions/034-node-24.md): Node 24,
 * an LTS line maintained until April 2028 (Node.js release schedule). The server, the workers and
 * `npm test` refuse an older Node with this message instead of failing later in some odd way.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** Why this Node cannot run the app, or null when it can. `version` as in process.versions.node. */
export function unsupportedNode(version: string = process.versions.node): string | null {
  const major = Number(version.split(".")[0]);
  if (major >= REQUIRED_NODE_MAJOR) return null;
  return `Node ${version} is too old: this app needs Node ${REQUIRED_NODE_MAJOR} or later. Run \`npm ci\` (it installs the project's Node ${REQUIRED_NODE_MAJOR} into node_modules/.bin, which npm's scripts use) and start it through npm, or install Node ${REQUIRED_NODE_MAJOR} (docs/decisions/034-node-24.md).`;
}
