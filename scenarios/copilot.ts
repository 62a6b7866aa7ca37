/**
 * The copilot demo as a regression scenario: the checked-in production recordings replayed under the
 * configuration a developer runs locally and the one production runs.
 *
 *   npx parallax replay scenarios/copilot.ts
 *   npx parallax test
 */

import { localConfig, productionConfig } from '../examples/copilot/config.ts'
// In a project of yours: import { defineScenario } from 'parallax/scenario'
import { defineScenario } from '../src/scenario/index.ts'

export const copilot = defineScenario({
  name: 'copilot',
  pipeline: { module: '../examples/copilot/pipeline.ts', export: 'copilot' },
  recordings: '../recordings/copilot',
  variants: {
    local: { config: localConfig },
    production: { config: productionConfig },
  },
  compare: ['local', 'production'],
  seed: 1,
  // The demo's known bug, kept as a test: `parallax test` passes while multi-byte requests diverge at decode
  // (and ASCII ones agree), and fails once none does — the fix then updates this line to 'agree'.
  expect: { divergeAt: 'decode' },
})
