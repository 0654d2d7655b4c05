package io.surge.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.pricing.PoolShare;
import io.surge.pricing.PublishPrices;
import io.surge.pricing.ZoneSurge;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everything that crosses an operator boundary or sits in state has a Flink POJO serializer, never Kryo. */
class FlinkTypesTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                Ingested.class,
                ZoneEvent.class,
                RecordOrigin.class,
                DivertedRecord.class,
                ZoneSurge.class,
                ZoneSurge.Pricing.class,
                PoolShare.class,
                PublishPrices.Pool.class,
                PublishPrices.LastPrice.class,
                PublishPrices.OpenPool.class
            })
    void isAFlinkPojo(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
    }
}
