/** The connector types that probe workers register: which vendors exist and what each needs. */
package dev.patchbay.contracts.connector;
