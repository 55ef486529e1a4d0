import { cpus, platform, release, totalmem, type } from 'node:os';

/** The machine a report was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  v8: string;
  date: string;
}

/** Describes this machine and Node. */
export function machineInfo(date = new Date()): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()} (${platform()} ${process.arch})`,
    node: process.version,
    v8: process.versions.v8,
    date: date.toISOString(),
  };
}
