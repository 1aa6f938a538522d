// Shared plain data types that cross module boundaries (hosts, become settings).

export type Vars = Record<string, unknown>;

export interface BecomeSpec {
  method: 'sudo' | 'su';
  user: string;
  password?: string;
  flags?: string;
  exe?: string;
}
