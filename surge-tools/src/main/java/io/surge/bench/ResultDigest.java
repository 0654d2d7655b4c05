package io.surge.bench;

/**
 * An order-independent fingerprint of a set of window results (zone, window end, demand, supply), so that contenders
 * that emit in different orders can be checked for the same results without keeping them all.
 *
 * @param count how many results
 * @param hash the sum of the results' hashes
 */
public record ResultDigest(long count, long hash) {

    public static final ResultDigest NONE = new ResultDigest(0, 0);

    public ResultDigest add(String zone, long windowEnd, long demand, long supply) {
        long h = zone.hashCode();
        h = h * 1_000_003L + windowEnd;
        h = h * 1_000_003L + demand;
        h = h * 1_000_003L + supply;
        // a final mix, so that sums of similar results do not cancel out
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return new ResultDigest(count + 1, hash + h);
    }
}
