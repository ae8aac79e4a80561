// Entry point of the workflow bundle: every workflow the worker registers.
export { orderWorkflow } from './order';
