// Typed access to the parts of nunjucks this engine reuses: its lexer, parser and node classes.
import nunjucks from 'nunjucks';
import type { JNode, Token } from './ast.js';

export interface Tokenizer {
  str: string;
  index: number;
  lineno: number;
  colno: number;
  in_code: boolean;
  trimBlocks: boolean;
  nextToken(): Token | null;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  _extractRegex(re: RegExp): RegExpMatchArray | null;
  _parseString(delimiter: string): string;
}

export interface ParserBase {
  tokens: Tokenizer;
  dropLeadingWhitespace: boolean;
  peekToken(): Token | null;
  nextToken(withWhitespace?: boolean): Token | null;
  pushToken(tok: Token | null): void;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  skipSymbol(value: string): boolean;
  expect(type: string): Token;
  fail(msg: string, lineno?: number, colno?: number): never;
  advanceAfterBlockEnd(name?: string): Token;
  parseExpression(): JNode;
  parseSignature(tolerant?: boolean, noParens?: boolean): JNode;
  parsePrimary(noPostfix?: boolean): JNode;
  parseCompare(): JNode;
  parseAsRoot(): JNode;
}

type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => JNode;

interface Internals {
  lexer: { lex(src: string, opts: { trimBlocks?: boolean; lstripBlocks?: boolean }): Tokenizer };
  parser: { Parser: new (tokens: Tokenizer) => ParserBase };
  nodes: Record<string, NodeClass>;
}

const internals = nunjucks as unknown as Internals;

export const lexer = internals.lexer;
export const ParserClass = internals.parser.Parser;

/** Build a nunjucks node by class name. */
export function node(kind: string, lineno: number, colno: number, ...fields: unknown[]): JNode {
  const cls = internals.nodes[kind];
  if (!cls) throw new Error(`nunjucks has no node type ${kind}`);
  return new cls(lineno, colno, ...fields);
}
