package dev.addons.examples.spring;

import org.springframework.data.repository.CrudRepository;

/** The orders, through Spring Data JDBC. */
public interface ShopOrders extends CrudRepository<ShopOrder, Long> {
}
