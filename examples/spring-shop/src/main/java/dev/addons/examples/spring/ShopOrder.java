package dev.addons.examples.spring;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An order: what was asked for; the id is made by the database. {@code @Table} marks it as Spring
 * Data JDBC's, as Spring Data Redis is on the class path too.
 */
@Table("shop_order")
public record ShopOrder(@Id Long id, String item) {

    /** A new order, not saved yet. */
    public static ShopOrder of(String item) {
        return new ShopOrder(null, item);
    }
}
