package io.surge.event;

/**
 * What the sources emit for each consumed record: a zone event, or the record diverted with a reason. Sources
 * cannot have side outputs, so both travel together until the pipeline splits them; exactly one field is set.
 */
public record Ingested(ZoneEvent event, DivertedRecord diverted) {

    public static Ingested accepted(ZoneEvent event) {
        return new Ingested(event, null);
    }

    public static Ingested diverted(Reason reason, String detail, RecordOrigin origin) {
        return new Ingested(null, new DivertedRecord(reason, detail, origin));
    }

    public boolean isAccepted() {
        return event != null;
    }
}
