package dev.patchbay.probe.check;

/**
 * Whether this worker's vault keys may open and seal credentials: false once they are known not to be the vault's
 * (another key under a recorded name). Asked before each probe and each refresh; a refresher that sealed with a
 * wrong key would stage a credential that no worker with the right keys can open.
 */
public interface VaultKeysInUse {

    boolean usable();
}
