import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `body` in a fresh Node process (the shim changes the global `Reflect`, which this worker shares),
 * after importing `modules` in that order, and returns what it printed.
 */
function runAfter(modules: readonly string[], body: string): string {
  const script = `${modules.map((name) => `import ${JSON.stringify(name)};`).join('\n')}
const { container, inject, injectable } = await import('tsyringe');
${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: coreDir,
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

const shim = './src/di/reflect-polyfill.ts';

// What TypeScript's `emitDecoratorMetadata` and tsyringe's decorators do for
// `@injectable() class Target { constructor(dep: Dep, @inject('name') name: string) {} }`.
const decorated = `
class Dep {}
class Target { constructor(dep, name) { this.dep = dep; this.name = name; } }
Reflect.defineMetadata('design:paramtypes', [Dep, String], Target);
inject('name')(Target, undefined, 1);
injectable()(Target);
container.register('name', { useValue: 'injected' });
const target = container.resolve(Target);
console.log(target.dep instanceof Dep, target.name);`;

describe('the Reflect shim tsyringe needs', () => {
  it('lets reflect-metadata loaded after it serve decorated classes, and keeps what was defined before', () => {
    const printed = runAfter(
      [shim],
      `class Early {}
Reflect.defineMetadata('early', 'kept', Early);
await import('reflect-metadata');
${decorated}
console.log(Reflect.getMetadata('early', Early), Reflect.hasOwnMetadata('early', Early), Reflect.getOwnMetadataKeys(Early).join());`,
    );
    expect(printed).toBe('true injected\nkept true early');
  });

  it('leaves a reflect-metadata loaded first in place', () => {
    const printed = runAfter(
      ['reflect-metadata'],
      `const before = Reflect.getMetadata;
await import(${JSON.stringify(shim)});
${decorated}
console.log(Reflect.getMetadata === before);`,
    );
    expect(printed).toBe('true injected\ntrue');
  });

  it('alone, keeps metadata per class and per property, inherited through the prototype chain', () => {
    const printed = runAfter(
      [shim],
      `class Base {}
class Child extends Base {}
Reflect.defineMetadata('k', 'class', Base);
Reflect.defineMetadata('k', 'method', Base, 'run');
console.log(Reflect.getMetadata('k', Child), Reflect.getMetadata('k', Child, 'run'), Reflect.getOwnMetadata('k', Child));
console.log(Reflect.deleteMetadata('k', Base, 'run'), Reflect.hasMetadata('k', Child, 'run'), Reflect.getOwnMetadataKeys(Base).join());
${decorated}`,
    );
    expect(printed).toBe('class method undefined\ntrue false k\ntrue injected');
  });
});
