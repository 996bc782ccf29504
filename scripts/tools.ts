// What the repo's own scripts (npm run docs, npm run bench) use from the source, bundled by
// `node scripts/build.mjs --tools` into build/tools.js. Not shipped.
export { titleOf } from '../src/app/providers.js'
export { checks } from '../src/checks/index.js'
export { remedies } from '../src/remedies.js'
export { providerIds } from '../src/providers/index.js'
export { catalogMarkdown } from '../src/render/catalog.js'
export { prepareScenario } from '../src/sandbox/run-scenario.js'
export { findScenario, scenarios } from '../src/sandbox/scenarios/index.js'
export { scenarioArgs } from '../src/sandbox/scenario.js'
export { startKubeSim } from '../src/sandbox/kubernetes.js'
export { startSilentServer } from '../src/sandbox/server.js'
