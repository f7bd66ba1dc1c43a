CREATE TABLE accounts (
    id      serial PRIMARY KEY,
    owner   text   NOT NULL UNIQUE,
    balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0)
);
