package io.surge.alerts;

import io.surge.state.ValueAndMapStateStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The keyed state of one rule inside {@link ZoneRules}: every state name gets the rule's prefix, so that flink-cep's
 * {@code SharedBuffer}, whose state names are fixed, can exist once per rule in one operator; and every state it
 * hands out is remembered, so that a retired rule's state can be cleared for all zones.
 */
final class RuleStateStore extends ValueAndMapStateStore {

    private final KeyedStateStore zoneState;
    private final String prefix;
    private final List<StateDescriptor<?, ?>> created = new ArrayList<>();

    RuleStateStore(KeyedStateStore zoneState, String ruleIdentity) {
        this.zoneState = zoneState;
        this.prefix = "rule:" + ruleIdentity + ":";
    }

    /** Every state of the rule, for clearing it. */
    List<StateDescriptor<?, ?>> states() {
        return List.copyOf(created);
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        ValueStateDescriptor<T> own =
                new ValueStateDescriptor<>(prefix + descriptor.getName(), descriptor.getSerializer());
        created.add(own);
        return zoneState.getState(own);
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
        MapStateDescriptor<UK, UV> own = new MapStateDescriptor<>(
                prefix + descriptor.getName(), descriptor.getKeySerializer(), descriptor.getValueSerializer());
        created.add(own);
        return zoneState.getMapState(own);
    }

    @Override
    public String getBackendTypeIdentifier() {
        return zoneState.getBackendTypeIdentifier();
    }
}
