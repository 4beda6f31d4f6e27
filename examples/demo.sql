-- The demo schema `npm start` loads into the embedded warehouse when DEMO is empty.
CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, country VARCHAR);
INSERT INTO customers VALUES (1, 'Acme Corp', 'US'), (2, 'Globex', 'DE'), (3, 'Initech', 'FR');

CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, amount DECIMAL(10, 2), ordered_on DATE);
INSERT INTO orders VALUES
  (100, 1, 250.00, DATE '2026-10-01'),
  (101, 2, 125.50, DATE '2026-10-03'),
  (102, 1, 980.00, DATE '2026-10-07'),
  (103, 3, 42.00, DATE '2026-10-09');

CREATE TABLE ref_countries (code VARCHAR PRIMARY KEY, name VARCHAR);
INSERT INTO ref_countries VALUES ('US', 'United States'), ('DE', 'Germany'), ('FR', 'France');

CREATE VIEW customer_revenue AS
  SELECT c.name, sum(o.amount) AS revenue
  FROM customers c JOIN orders o ON o.customer_id = c.id
  GROUP BY c.name;
