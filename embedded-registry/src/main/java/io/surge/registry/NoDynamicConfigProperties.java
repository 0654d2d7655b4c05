package io.surge.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * Apicurio's build generates this bean with an annotation processor whose artifact is not on Maven Central; the
 * embedded registry has no dynamic settings, so an empty list stands in for it.
 */
@ApplicationScoped
public class NoDynamicConfigProperties {

    @Produces
    @ApplicationScoped
    DynamicConfigPropertyList dynamicConfigProperties() {
        return new DynamicConfigPropertyList(List.of());
    }
}
