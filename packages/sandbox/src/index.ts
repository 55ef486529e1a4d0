export { allDialects } from './dialects/index.js';
export {
  createEngine,
  type EngineOptions,
  type EngineOutcome,
  replaceEnums,
  type SandboxEngine,
} from './engine.js';
export { faultProblem, faultTypes } from './faults.js';
export { type AdapterSettings, type Sandbox, type SandboxOptions, startSandbox } from './server.js';
export type {
  DialectContext,
  DialectSettings,
  DialectStreamChange,
  ErrorKind,
  Fault,
  FaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
  SandboxStats,
  StreamChange,
  StreamChangeKind,
  StreamChangeListener,
} from './types.js';
export { faultOperations } from './types.js';
