import type { FixtureHarnessOptions } from '@unilive/testing';
import { liveapi } from '../src/liveapi-provider.js';
import { fixtureBasic, fixtureCredentials, fixturesDirectory, origin } from './support.js';

/** The settings the recorded fixtures expect. */
export const fixtureSettings = { ...fixtureCredentials };

/**
 * How the recorded fixtures replay the contract: which exchanges each lifecycle step uses, which request
 * each fault operation fails and which vendor error each status fault serves. Shared by the contract test
 * and the reliability suite.
 */
export const fixtureContract = {
  origin,
  directory: fixturesDirectory,
  createProvider: () => liveapi({ ...fixtureSettings }),
  secrets: { ...fixtureCredentials, 'basic credentials': fixtureBasic },
  steps: {
    create: ['create'],
    get: ['get'],
    list: ['list', 'list-page-2'],
    update: ['update'],
    start: ['start'],
    'wait-ready': ['get-ready'],
    stop: ['stop'],
    'wait-stopped': ['get-stopped'],
    delete: ['delete'],
    'get-deleted': ['error-404'],
    'error-subject': ['create-any'],
  },
  operations: {
    create: 'create-any',
    get: 'get',
    list: 'list',
    update: 'update',
    delete: 'delete',
    start: 'start',
    stop: 'stop',
  },
  errors: {
    unauthorized: 'error-401',
    forbidden: 'error-403',
    'not-found': 'error-404',
    conflict: 'error-409',
    'rate-limit': 'error-429',
    'server-error': 'error-500',
  },
} satisfies Omit<FixtureHarnessOptions, 'nock'>;
