// Loads TypeScript through ts-node with the swc transpiler (the tsconfig's "ts-node" block); types are
// checked by `npm run typecheck`, not at load time.
require('ts-node').register({ swc: true, transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
