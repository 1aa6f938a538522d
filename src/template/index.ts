// Public surface of the template engine.
export { Templar, type TemplarOptions, type TemplateWhere } from './templar.js';
export { markUnsafe, isUnsafe } from './unsafe.js';
export { OMIT, dropOmitted } from './omit.js';
export { isPossiblyTemplate } from './lazy-vars.js';
