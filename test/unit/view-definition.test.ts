/**
 * Only a single CREATE VIEW for the view being restored runs from a captured definition
 * (issue 11 item 9): smuggled statements, other names and other kinds are refused.
 */
import { describe, expect, it } from 'vitest';
import { checkedViewDefinition } from '../../src/warehouse/view-definition.js';

describe('captured view definitions', () => {
  it.each([
    ['CREATE VIEW V_ORDERS AS SELECT 1', 'V_ORDERS', 'exact'],
    ['create or replace secure view demo.v_orders as select 1;', 'V_ORDERS', 'exact'],
    ['CREATE VIEW "DB"."DEMO"."v; x" AS SELECT \'a;b\' /* ; */ -- ;\n', 'v; x', 'exact'],
    ['CREATE VIEW IF NOT EXISTS v_orders AS SELECT $$;$$', 'V_Orders', 'case-insensitive'],
  ] as const)('accepts %s', (sql, name, matching) => {
    expect(checkedViewDefinition(sql, name, matching)).toBe(sql);
  });

  it.each([
    ['CREATE VIEW V AS SELECT 1; DROP TABLE ORDERS', 'more than one statement'],
    ['DROP TABLE ORDERS', 'does not start with CREATE'],
    ['CREATE TABLE V AS SELECT 1', 'something other than a view'],
    ['CREATE VIEW OTHER AS SELECT 1', 'it creates OTHER'],
    ['CREATE VIEW "v" AS SELECT 1', 'it creates "v"'],
    ['CREATE VIEW V AS SELECT 1 /* unterminated', 'unterminated comment'],
    ["CREATE VIEW V AS SELECT 'x; DROP TABLE T", 'unterminated'],
  ])('refuses %s', (sql, why) => {
    expect(() => checkedViewDefinition(sql, 'V', 'exact')).toThrow(why);
  });
});
