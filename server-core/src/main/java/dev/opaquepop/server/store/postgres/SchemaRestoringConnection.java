package dev.opaquepop.server.store.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * A connection borrowed from an application's pool and switched to our schema: closing it first switches it back
 * to the schema it had, so the connection the pool hands the application next looks where the application expects.
 */
final class SchemaRestoringConnection {
    private SchemaRestoringConnection() {}

    static Connection wrap(Connection connection, String previousSchema) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if ("close".equals(method.getName()) && method.getParameterCount() == 0) {
                        try {
                            if (!connection.isClosed()) {
                                connection.setSchema(previousSchema);
                            }
                        } finally {
                            connection.close();
                        }
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
