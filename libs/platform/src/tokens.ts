/** Injection tokens of what the platform module provides to every service. */
export const LOGGER = Symbol('LOGGER');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const REDIS = Symbol('REDIS');
export const SERVICE_INFO = Symbol('SERVICE_INFO');

export type ServiceName = 'gateway' | 'auth' | 'crm' | 'billing' | 'notifications' | 'reporting';

export interface ServiceInfo {
  name: ServiceName;
  version: string;
  /** Tells replicas apart in ping replies and logs. */
  instance: string;
  namespace: string;
  startedAt: Date;
}
export const USES_DATABASE = Symbol('USES_DATABASE');
