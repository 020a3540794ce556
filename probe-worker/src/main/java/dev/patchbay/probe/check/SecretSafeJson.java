package dev.patchbay.probe.check;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for anything that holds a credential or a vendor's answer to one: it recycles no buffers, so the
 * bytes it wrote or read are garbage once the check is done instead of staying in a pooled buffer for the life of
 * the process (a heap dump after a full GC found them there).
 */
public final class SecretSafeJson {

    public static JsonMapper mapper() {
        return JsonMapper.builder(JsonFactory.builder()
                        .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
                        .build())
                .build();
    }

    private SecretSafeJson() {}
}
