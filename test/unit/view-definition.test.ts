/**
 * Only a single CREATE VIEW for the view being restored runs from a captured definition
 * (issue 11 item 9): smuggled statements, other names and other kinds are refused. On Snowflake
 * the statement is re-headed to the view's recorded name (issue 12: renamed or moved views).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameViewDefinition } from '../../src/model/view-header.js';
import { checkedViewDefinition, viewStatementFor } from '../../src/warehouse/view-definition.js';

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

describe('a captured definition re-headed to the view it restores (docs/snowflake-behaviour.md#renamed-views)', () => {
  const Q = '"DB"."S"."V"';
  it.each([
    ['CREATE VIEW OLD_NAME AS SELECT 1', `CREATE VIEW ${Q} AS SELECT 1`],
    ['create or replace view other_schema.v as select 1;', `CREATE VIEW ${Q} as select 1`],
    ['CREATE OR REPLACE SECURE VIEW "D"."S2"."v" AS SELECT 1', `CREATE SECURE VIEW ${Q} AS SELECT 1`],
    ['CREATE RECURSIVE VIEW r (n) AS SELECT 1', `CREATE RECURSIVE VIEW ${Q} (n) AS SELECT 1`],
    ['CREATE OR REPLACE SECURE RECURSIVE VIEW r(n) AS SELECT 1', `CREATE SECURE RECURSIVE VIEW ${Q}(n) AS SELECT 1`],
    ['CREATE VIEW IF NOT EXISTS v AS SELECT 1', `CREATE VIEW ${Q} AS SELECT 1`],
    ['CREATE OR REPLACE VIEW v COPY GRANTS AS SELECT 1', `CREATE VIEW ${Q} AS SELECT 1`],
    [
      "CREATE VIEW v (a COMMENT 'copy grants', b) COPY  GRANTS COMMENT = 'x' AS SELECT 1, 2",
      `CREATE VIEW ${Q} (a COMMENT 'copy grants', b) COMMENT = 'x' AS SELECT 1, 2`,
    ],
    ['CREATE VIEW v AS SELECT 1 AS copy, 2 AS grants', `CREATE VIEW ${Q} AS SELECT 1 AS copy, 2 AS grants`],
    ['CREATE VIEW v AS SELECT copy grants FROM t', `CREATE VIEW ${Q} AS SELECT copy grants FROM t`],
    ['CREATE /* a */ VIEW -- b\n "x"".y z" /* c */ AS SELECT \'OR REPLACE\'', `CREATE VIEW ${Q} /* c */ AS SELECT 'OR REPLACE'`],
    ['CREATE VIEW"v"AS SELECT 1', `CREATE VIEW ${Q} AS SELECT 1`],
    ["CREATE VIEW v COMMENT='it''s; fine' AS SELECT 1 ; ", `CREATE VIEW ${Q} COMMENT='it''s; fine' AS SELECT 1`],
  ])('%s', (definition, expected) => {
    expect(viewStatementFor(definition, 'V', Q)).toBe(expected);
  });

  it.each([
    ['CREATE VIEW V AS SELECT 1; DROP TABLE ORDERS', 'more than one statement'],
    ['CREATE TABLE V AS SELECT 1', 'something other than a view'],
    ['CREATE OR REPLACE VIEW AS SELECT 1', 'names no view'],
    ["CREATE VIEW V AS SELECT 'x", 'unterminated'],
  ])('refuses %s', (definition, why) => {
    expect(() => viewStatementFor(definition, 'V', Q)).toThrow(why);
  });

  it('any name, quoted or not, qualified or not, with any modifiers: the statement names the view it restores, once, and never replaces', () => {
    const part = fc.oneof(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$]{0,8}$/),
      fc.string({ minLength: 1, maxLength: 8 }).map((s) => `"${s.replaceAll('"', '""')}"`),
    );
    const header = fc.record({
      replace: fc.boolean(),
      secure: fc.boolean(),
      recursive: fc.boolean(),
      ifNotExists: fc.boolean(),
      name: fc.array(part, { minLength: 1, maxLength: 3 }),
      copyGrants: fc.boolean(),
      comment: fc.option(fc.string({ maxLength: 8 }).map((s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`)),
    });
    fc.assert(
      fc.property(header, (h) => {
        const definition = [
          'CREATE',
          h.replace ? 'OR REPLACE' : '',
          h.secure ? 'SECURE' : '',
          h.recursive ? 'RECURSIVE' : '',
          'VIEW',
          h.ifNotExists ? 'IF NOT EXISTS' : '',
          h.name.join('.'),
          h.copyGrants ? 'COPY GRANTS' : '',
          h.comment === null ? '' : `COMMENT = ${h.comment}`,
          'AS SELECT 1 AS X',
        ].join(' ');
        const statement = viewStatementFor(definition, 'V', Q);
        const head = `CREATE ${h.secure ? 'SECURE ' : ''}${h.recursive ? 'RECURSIVE ' : ''}VIEW ${Q} `;
        expect(statement.startsWith(head)).toBe(true);
        expect(statement.endsWith(`${h.comment === null ? '' : `COMMENT = ${h.comment} `}AS SELECT 1 AS X`)).toBe(true);
        expect(sameViewDefinition(definition, statement)).toBe(true);
      }),
    );
  });
});

describe('two definitions of the same view', () => {
  it.each([
    ['CREATE OR REPLACE VIEW OLD AS SELECT 1', 'CREATE VIEW "DB"."S"."NEW"  AS\n SELECT 1;'],
    ['CREATE VIEW IF NOT EXISTS a.b.c COPY GRANTS AS SELECT 1', 'CREATE VIEW c AS SELECT 1'],
  ])('%s is %s', (a, b) => {
    expect(sameViewDefinition(a, b)).toBe(true);
  });

  it.each([
    ['CREATE VIEW V AS SELECT 1', 'CREATE VIEW V AS SELECT 2'],
    ['CREATE SECURE VIEW V AS SELECT 1', 'CREATE VIEW V AS SELECT 1'],
    ['CREATE VIEW V (A) AS SELECT 1', 'CREATE VIEW V AS SELECT 1'],
    ['not a view', 'CREATE VIEW V AS SELECT 1'],
  ])('%s is not %s', (a, b) => {
    expect(sameViewDefinition(a, b)).toBe(false);
  });
});
