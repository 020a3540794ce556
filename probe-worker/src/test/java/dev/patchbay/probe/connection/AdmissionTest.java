package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.TenantId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    private static final TenantId TENANT = TenantId.of("tenant-a");
    private static final TenantId OTHER = TenantId.of("tenant-b");

    @Test
    void reChecksNeverTakeATenantsLastSlotSoAManualTestStillGetsIn() {
        var admission = new Admission(3);
        assertThat(admission.admit(TENANT, true)).isTrue();
        assertThat(admission.admit(TENANT, true)).isTrue();
        assertThat(admission.admit(TENANT, true))
                .as("a third re-check: the last slot")
                .isFalse();
        assertThat(admission.admit(TENANT, false)).as("a manual test").isTrue();
        assertThat(admission.admit(TENANT, false))
                .as("beyond the tenant's slots")
                .isFalse();
        assertThat(admission.admit(OTHER, true))
                .as("another tenant's slots are its own")
                .isTrue();
    }

    @Test
    void aReleasedSlotIsTakenAgain() {
        var admission = new Admission(2);
        assertThat(admission.admit(TENANT, false)).isTrue();
        assertThat(admission.admit(TENANT, true)).as("the last slot").isFalse();
        admission.release(TENANT);
        assertThat(admission.admit(TENANT, true)).isTrue();
        assertThat(admission.admit(TENANT, false)).isTrue();
        assertThat(admission.admit(TENANT, false)).isFalse();
    }

    @Test
    void aWorkerThatTakesOneCheckPerTenantRunsNoReChecks() {
        var admission = new Admission(1);
        assertThat(admission.admit(TENANT, true)).isFalse();
        assertThat(admission.admit(TENANT, false)).isTrue();
    }
}
