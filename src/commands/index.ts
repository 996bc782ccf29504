// oclif's explicit command strategy: one import per command, no directory scan at startup.
import Checks from './checks.js'
import Demo from './demo.js'
import Doctor from './doctor.js'
import Explain from './explain.js'

export const COMMANDS = { doctor: Doctor, checks: Checks, explain: Explain, demo: Demo }
