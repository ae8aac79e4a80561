import { sharedStack } from './global-setup';

// The shared stack of `npm run test:postgres`: the production engine, two of each service.
export const { setup, teardown } = sharedStack({ engine: 'postgres', workers: 2, apis: 2 });
