package dev.pilotspc.core.drift;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/** Checks Flink's POJO rules on detector state and copies it field by field as its serializer does. */
final class FlinkPojo {

    private FlinkPojo() {
    }

    static void assertPojo(Class<?> type) {
        assertTrue(Modifier.isPublic(type.getModifiers()), type + " is public");
        assertDoesNotThrow(() -> type.getConstructor().newInstance(), type + " has a public no-arg constructor");
        for (Field f : stateFields(type)) {
            int mod = f.getModifiers();
            assertTrue(Modifier.isPublic(mod) && !Modifier.isFinal(mod), f + " is public and non-final");
            Class<?> t = f.getType();
            assertTrue(t.isPrimitive() || t.isArray() && t.getComponentType().isPrimitive(),
                    f + " is a primitive or primitive array");
        }
    }

    /** A new instance from the no-arg constructor with every field copied (arrays cloned). */
    static <T> T copy(T source) throws ReflectiveOperationException {
        @SuppressWarnings("unchecked")
        T target = (T) source.getClass().getConstructor().newInstance();
        for (Field f : stateFields(source.getClass())) {
            Object v = f.get(source);
            f.set(target, v instanceof double[] a ? a.clone() : v);
        }
        return target;
    }

    private static java.util.List<Field> stateFields(Class<?> type) {
        return java.util.Arrays.stream(type.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .toList();
    }
}
