package dev.patchbay.probe.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationGuardTest {

    /** Answers from a table, and remembers every name it was asked: no test here depends on real DNS. */
    private final List<String> lookups = new ArrayList<>();

    private final Map<String, String[]> dns = Map.of(
            "api.vendor.test", new String[] {"8.8.8.8"},
            "two.vendor.test", new String[] {"8.8.4.4", "2606:4700:4700::1111"},
            "rebind.vendor.test", new String[] {"8.8.8.8", "127.0.0.1"},
            "internal.vendor.test", new String[] {"10.1.2.3"},
            "metadata.vendor.test", new String[] {"169.254.169.254"},
            "mapped.vendor.test", new String[] {"::ffff:7f00:1"});
    private final DestinationGuard.Resolver resolver = host -> {
        lookups.add(host);
        var answer = dns.get(host);
        if (answer == null) {
            throw new UnknownHostException(host);
        }
        var addresses = new InetAddress[answer.length];
        for (int i = 0; i < answer.length; i++) {
            addresses[i] = InetAddress.getByName(answer[i]);
        }
        return addresses;
    };
    private final DestinationGuard guard = new DestinationGuard(List.of(), resolver);

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.0.0.2",
                "127.255.255.254",
                "2130706433",
                "0177.0.0.1",
                "0x7f.0.0.1",
                "0x7F.0x0.0x0.0x1",
                "0x7f000001",
                "017700000001",
                "127.1",
                "127.0.1",
                "0177.1",
                "127.0.0.1.",
                "::1",
                "[::1]",
                "0:0:0:0:0:0:0:1",
                "[0000:0000:0000:0000:0000:0000:0000:0001]",
                "::ffff:127.0.0.1",
                "[::ffff:127.0.0.1]",
                "[::ffff:7f00:1]",
                "::ffff:7f00:0001",
                "::127.0.0.1",
                "[::7f00:1]",
                "[64:ff9b::127.0.0.1]",
                "[64:ff9b::7f00:1]",
                "[2002:7f00:1::]",
                "localhost",
                "LOCALHOST",
                "localhost.",
                "LocalHost.LocalDomain",
                "ip6-localhost",
                "ip6-loopback",
                "anything.localhost",
                "a.b.localhost."
            })
    void everyFormOfLoopbackIsBlockedWithoutALookup(String host) {
        assertThatThrownBy(() -> guard.check(host, 5432))
                .isInstanceOfSatisfying(
                        DestinationBlocked.class,
                        blocked -> assertThat(blocked.reason()).isIn("loopback", "loopback name"));
        assertThat(lookups).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "169.254.169.254",
                "[::ffff:169.254.169.254]",
                "[::ffff:a9fe:a9fe]",
                "2852039166",
                "0xa9fea9fe",
                "0251.0376.0251.0376",
                "0xa9.0xfe.0xa9.0xfe",
                "169.254.43518",
                "[fd00:ec2::254]",
                "[FD00:EC2:0:0:0:0:0:254]",
                "[64:ff9b::a9fe:a9fe]",
                "[::169.254.169.254]",
                "169.254.170.2",
                "100.100.100.200",
                "metadata.google.internal",
                "metadata",
                "instance-data",
                "metadata.vendor.test"
            })
    void cloudMetadataIsBlockedInEveryForm(String host) {
        assertThatThrownBy(() -> guard.check(host, 80))
                .isInstanceOfSatisfying(
                        DestinationBlocked.class,
                        blocked -> assertThat(blocked.reason()).isIn("metadata", "loopback name"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "10.0.0.1,private",
        "10.255.255.255,private",
        "172.16.0.1,private",
        "172.31.255.255,private",
        "192.168.1.1,private",
        "0xc0a80101,private",
        "3232235777,private",
        "100.64.0.1,shared address space (CGNAT)",
        "100.127.255.254,shared address space (CGNAT)",
        "169.254.1.1,link-local",
        "[fe80::1],link-local",
        "[fe80::1:2:3:4],link-local",
        "[fc00::1],unique-local",
        "[fd12:3456::1],unique-local",
        "[fd00:ec2::253],unique-local",
        "224.0.0.1,multicast",
        "239.255.255.250,multicast",
        "[ff02::1],multicast",
        "255.255.255.255,broadcast",
        "0.0.0.0,unspecified",
        "0,unspecified",
        "[::],unspecified",
        "0.1.2.3,this network",
        "240.0.0.1,reserved",
        "192.0.0.8,IETF protocol assignments",
        "192.0.2.1,documentation",
        "198.18.0.1,benchmarking",
        "[2001:db8::1],documentation",
        "[::ffff:10.0.0.1],private",
        "[::ffff:192.168.0.1],private",
        "[2002:c0a8:0101::],private",
        "[64:ff9b::10.0.0.1],private",
        "[fec0::1],site-local",
        "[2001:0:4136:e378::1],Teredo",
        "internal.vendor.test,private"
    })
    void privateAndSpecialAddressesAreBlocked(String host, String reason) {
        assertThatThrownBy(() -> guard.check(host, 443))
                .isInstanceOfSatisfying(
                        DestinationBlocked.class,
                        blocked -> assertThat(blocked.reason()).isEqualTo(reason));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "08.0.0.1",
                "0x1ff.0.0.1",
                "256.0.0.1",
                "1.2.3.4.5.6",
                "4294967296",
                "1.16777216",
                "[::1%lo]",
                "[fe80::1%eth0]",
                "[1:2:3]",
                "bad host",
                "host\u0000.test",
                "",
                " "
            })
    void numericHostsThatAreNotAddressesAndMalformedHostsAreRefused(String host) {
        assertThatThrownBy(() -> guard.check(host, 443)).isInstanceOf(DestinationBlocked.class);
        assertThat(lookups).isEmpty();
    }

    @Test
    void aNameIsBlockedIfAnyOfItsAddressesIsBlocked() {
        assertThatThrownBy(() -> guard.check("rebind.vendor.test", 443))
                .isInstanceOfSatisfying(
                        DestinationBlocked.class,
                        blocked -> assertThat(blocked.reason()).isEqualTo("loopback"));
        assertThatThrownBy(() -> guard.check("mapped.vendor.test", 443)).isInstanceOf(DestinationBlocked.class);
    }

    @Test
    void aPublicNameIsResolvedOnceAndItsCheckedAddressIsWhereTheConnectionGoes() throws Exception {
        var destination = guard.check("api.vendor.test", 443);

        assertThat(lookups).containsExactly("api.vendor.test");
        assertThat(destination.address()).isEqualTo(InetAddress.getByName("8.8.8.8"));
        assertThat(destination.host()).isEqualTo("api.vendor.test");
        assertThat(destination.ipLiteral()).isEqualTo("8.8.8.8");
        var socket = destination.socketAddress();
        assertThat(socket.isUnresolved()).isFalse();
        assertThat(socket.getHostString()).isEqualTo("api.vendor.test");
        assertThat(socket.getAddress().getAddress()).containsExactly(8, 8, 8, 8);
        assertThat(socket.getPort()).isEqualTo(443);
        assertThat(lookups).hasSize(1);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "8.8.8.8,8.8.8.8",
        "134744072,8.8.8.8",
        "0x08080808,8.8.8.8",
        "010.010.010.010,8.8.8.8",
        "8.526344,8.8.8.8",
        "172.32.0.1,172.32.0.1",
        "100.128.0.1,100.128.0.1",
        "1.1.1.1,1.1.1.1",
        "[2606:4700:4700::1111],2606:4700:4700:0:0:0:0:1111",
        "[::ffff:8.8.8.8],8.8.8.8"
    })
    void publicAddressesPassAsTheAddressTheyMean(String host, String address) throws Exception {
        assertThat(guard.check(host, 443).address()).isEqualTo(InetAddress.getByName(address));
        assertThat(lookups).isEmpty();
    }

    @Test
    void everyAddressOfANameMustPassAndIPv6LiteralsKeepTheirBrackets() {
        var destination = guard.check("two.vendor.test", 9092);
        assertThat(destination.ipLiteral()).isEqualTo("8.8.4.4");
        assertThat(guard.check("[2606:4700:4700::1111]", 443).ipLiteral()).isEqualTo("[2606:4700:4700:0:0:0:0:1111]");
    }

    @Test
    void aNameThatDoesNotResolveIsUnreachable() {
        assertThatThrownBy(() -> guard.check("nowhere.vendor.test", 443))
                .isInstanceOfSatisfying(
                        CheckFailed.class,
                        failed -> assertThat(failed.outcome().failure()).isEqualTo(Failure.UNREACHABLE));
    }

    @Test
    void anAllowedNetworkOpensLoopbackInEveryFormButNeverTheMetadataService() {
        var allowing = new DestinationGuard(
                List.of(
                        Cidr.parse("127.0.0.0/8"),
                        Cidr.parse("10.0.0.0/8"),
                        Cidr.parse("169.254.0.0/16"),
                        Cidr.parse("::1/128")),
                resolver);

        for (var host : List.of(
                "127.0.0.1",
                "2130706433",
                "0177.0.0.1",
                "0x7f.0.0.1",
                "127.1",
                "[::ffff:127.0.0.1]",
                "[::ffff:7f00:1]",
                "localhost",
                "::1")) {
            assertThat(allowing.check(host, 5432).address().isLoopbackAddress())
                    .as(host)
                    .isTrue();
        }
        assertThat(allowing.check("internal.vendor.test", 5432).ipLiteral()).isEqualTo("10.1.2.3");
        assertThat(allowing.check("169.254.1.1", 80).ipLiteral()).isEqualTo("169.254.1.1");
        assertThatThrownBy(() -> allowing.check("169.254.169.254", 80)).isInstanceOf(DestinationBlocked.class);
        assertThatThrownBy(() -> allowing.check("192.168.0.1", 80)).isInstanceOf(DestinationBlocked.class);
        assertThatThrownBy(() -> allowing.check("[fe80::1]", 80)).isInstanceOf(DestinationBlocked.class);
    }

    @Test
    void evenAllowingEverythingLeavesMetadataUnspecifiedMulticastAndBroadcastBlocked() {
        var everything = new DestinationGuard(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")), resolver);

        assertThat(everything.check("10.0.0.1", 80).ipLiteral()).isEqualTo("10.0.0.1");
        for (var host : List.of(
                "169.254.169.254",
                "[fd00:ec2::254]",
                "0.0.0.0",
                "[::]",
                "224.0.0.1",
                "255.255.255.255",
                "[ff02::1]",
                "[::ffff:169.254.169.254]")) {
            assertThatThrownBy(() -> everything.check(host, 80)).as(host).isInstanceOf(DestinationBlocked.class);
        }
    }

    @Test
    void portsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> guard.check("8.8.8.8", 0)).isInstanceOf(DestinationBlocked.class);
        assertThatThrownBy(() -> guard.check("8.8.8.8", 65536)).isInstanceOf(DestinationBlocked.class);
    }

    @Test
    void networksAreParsedStrictly() {
        assertThat(Cidr.parse("127.0.0.0/8").contains(new byte[] {127, 1, 2, 3}))
                .isTrue();
        assertThat(Cidr.parse("127.0.0.0/8").contains(new byte[] {(byte) 128, 0, 0, 1}))
                .isFalse();
        assertThat(Cidr.parse("100.64.0.0/10").contains(new byte[] {100, 127, (byte) 255, 1}))
                .isTrue();
        assertThat(Cidr.parse("100.64.0.0/10").contains(new byte[] {100, (byte) 128, 0, 1}))
                .isFalse();
        assertThat(Cidr.parse("10.1.2.3").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("fd00::/8").prefixLength()).isEqualTo(8);
        for (var bad : List.of(
                "127.1/8", "0x7f.0.0.0/8", "localhost/8", "10.0.0.0/33", "10.0.0.0/", "::1/129", "10.0.0.0/-1", "")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
