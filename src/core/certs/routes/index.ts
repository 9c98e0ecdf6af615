/** Certificate deploy routes by generation: the contract (./types) and the choice (./choose). */
export * from './types';
export { chooseRoute, parseRouteId, routeRefusal } from './choose';
