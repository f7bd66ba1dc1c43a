create table if not exists shop_order (id bigserial primary key, item text not null);
